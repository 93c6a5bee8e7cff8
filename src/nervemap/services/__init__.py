"""Services of the core that the front ends (API, web pages, CLI) share.

A service takes a database session, does its own transactions, writes the audit trail, and raises
its own errors (never an HTTP type): each front end words them its own way.
"""
