"""Categories: the tree shoppers browse by; the only writer of `categories` and `category_tree`."""
