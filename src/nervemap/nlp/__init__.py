"""Clinical text -> nervemap case."""
