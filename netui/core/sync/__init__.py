"""Sync between devices: the record merge, git (`netui sync`) and file-sync conflict copies."""
