extensions = ["book_ext.book_search_ko"]
language = "ko"
