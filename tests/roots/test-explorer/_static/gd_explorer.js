/* gd_explorer.js: a stand-in for the book's script */
