"""nervemap: explainable decision support for leg pain that may come from the lumbar spine."""

__version__ = "0.1.0"
