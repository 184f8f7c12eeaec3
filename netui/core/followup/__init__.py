"""The follow-up ladder: rules, review, thank-you notes, referrals, matches, stats."""
