"""netui: carry every new contact through the follow-up ladder."""

__version__ = "0.1.0"
