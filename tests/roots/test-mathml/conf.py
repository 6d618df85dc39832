extensions = ["book_ext.book_mathml"]
html_math_renderer = "mathml"
