"""The nervemap HTTP API: ``create_app(settings)`` builds a FastAPI application."""
