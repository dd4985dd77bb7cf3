"""Line of Sight: OKRs that cascade from company strategy into performance reviews."""

__version__ = "0.1.0"
