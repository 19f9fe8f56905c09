"""itinerant stage"""
