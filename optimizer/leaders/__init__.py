"""leaders stage"""
