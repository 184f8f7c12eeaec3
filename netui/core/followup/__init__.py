"""Follow-up work built on the store: review, thank-you notes, referrals, matches, stats.

The pure ladder rules (what is due next, and when) are `netui.core.rules`, below the store.
"""
