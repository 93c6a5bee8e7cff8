"""The nervemap HTTP API: routers, schemas, authentication, problem details (built by nervemap.app)."""
