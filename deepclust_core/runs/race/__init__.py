"""A race: 2 to 4 methods cluster the same data side by side, from one pretrained autoencoder, in step.

    race.py   Race: the lanes and the one thread that trains them in step
    lane.py   RaceLane: one method of a race, a LiveRun whose epochs the race's thread trains
    axis.py   one epoch axis for every method, so that one slider and one Play move them all
"""
from .race import Race

__all__ = ["Race"]
