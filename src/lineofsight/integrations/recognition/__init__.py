"""Notifications about kudos and spot-bonus nominations, sent when the reviews app signals\nthem."""
