"""The address book: a shopper's saved shipping addresses, one of them the default; the
only writer of `addresses` and `address_books`."""
