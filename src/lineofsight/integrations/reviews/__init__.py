"""Notifications about reviews and feedback, sent when the reviews app signals them."""
