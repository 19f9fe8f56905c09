"""teachers stage"""
