"""The ceiling: a bare Flask app with one trivial JSON route, on waitress as the shop serves with it
(shop/serving.py: the same settings and connections' channel).

Usage: python bench/ceiling.py PORT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask, jsonify  # noqa: E402
from shop.config import Config, tune_interpreter, waitress_options  # noqa: E402
from shop.serving import serve  # noqa: E402

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify({"status": "ok"})


if __name__ == "__main__":
    config = Config().as_dict()
    print("ceiling ready", flush=True)
    tune_interpreter(config)
    serve(app, "127.0.0.1", int(sys.argv[1]), **waitress_options(config))
