extensions = ["book_ext.book_a11y"]
# Set here: Sphinx 7.4 adds an extension's suffixes to its default source_suffix itself, which every
# later Sphinx of the test process would then get.
source_suffix = {".md": "myst-nb"}
nb_execution_mode = "off"
nb_code_prompt_show = "코드 셀 보기"
nb_code_prompt_hide = "<{type}> 숨기기"
