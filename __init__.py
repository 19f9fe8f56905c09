"""rotaplan: teacher rotation and placement for a district education bureau."""

__version__ = "0.1.0"
