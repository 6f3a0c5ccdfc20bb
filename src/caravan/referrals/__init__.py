"""Cross-border patient referrals: intake, matching to ready hospitals, offers, invitation letters, stay and follow-up."""
