"""Wording shared by the front ends that show an assessment to people (issue 17).

``plain.py`` is the patient's plain-language view of an assessment (``PatientView``), shown by the API
(``GET /v1/patient/{token}``, the episodes' urgency words) and by the web pages (the interview result,
the follow-up course). It imports only the core (engine, knowledge, the interview's patient wording);
no front end, no store, no services.
"""
