"""The shop: a Flask app over MongoDB. Its factory is shop/app.py's `create_app`; importing
this package, or any model in it, starts no app and loads no web framework."""
