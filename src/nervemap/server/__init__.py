"""HTTP plumbing shared by the two HTTP front ends, the API (``api/``) and the web pages (``web/``),
so that neither imports the other (issue 17):

- ``deps.py``: the request's dependencies from the application's state (database session, settings,
  token signer, compiled knowledge), which the composition root ``nervemap.app.create_app`` fills once;
- ``tokens.py``: signed, expiring tokens; ``auth.py``: who is calling and what they may do;
- ``problems.py``: RFC 9457 problem details, where every domain error of the services is mapped
  (``errors.py`` says its HTTP status once, for the API and the web pages).
"""
