"""The adaptive interview: a question catalogue, a next-best-question policy and sessions."""

from nervemap.interview.answers import AnswerError
from nervemap.interview.catalogue import Catalogue, Question, check_catalogue, default_catalogue
from nervemap.interview.policy import PolicyConfig, Step, StopReason, red_flag_stop
from nervemap.interview.session import InterviewSession, SessionError

__all__ = [
    "AnswerError",
    "Catalogue",
    "InterviewSession",
    "PolicyConfig",
    "Question",
    "SessionError",
    "Step",
    "StopReason",
    "check_catalogue",
    "default_catalogue",
    "red_flag_stop",
]
