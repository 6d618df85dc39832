/* book.js: a stand-in for the book's script */
