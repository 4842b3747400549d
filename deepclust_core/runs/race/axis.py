"""One epoch axis for every method of a race, so that one slider and one Play move them all in step.

A race's methods share their pretraining (the lead trains it; the others read it from the cache, one
snapshot each) and then each has its own clustering epochs, some more than others. The race's axis is
every epoch any method has, pretraining first (`epoch_position`); at a place on it each method shows
its newest snapshot at or before it (`entry_at`): a method that stopped earlier keeps its last picture,
and one that has not started (the others, while the lead pretrains) has none yet.
"""
from __future__ import annotations

from ..shown_run import Entry
from ..store.rows import epoch_position


def position(entry: Entry, pretrain_epochs: int) -> int:
    return epoch_position(entry.snapshot.phase, entry.snapshot.epoch, pretrain_epochs)


def race_axis(histories: list[list[Entry]], pretrain_epochs: int) -> list[Entry]:
    """One entry per place on the race's axis, in order: the first method's (in race order) that has it."""
    places: dict[int, Entry] = {}
    for entries in histories:
        for entry in entries:
            places.setdefault(position(entry, pretrain_epochs), entry)
    return [places[place] for place in sorted(places)]


def entry_at(entries: list[Entry], place: int, pretrain_epochs: int) -> Entry | None:
    """The method's newest entry at or before `place` on the race's axis; None when it has none yet."""
    earlier = [entry for entry in entries if position(entry, pretrain_epochs) <= place]
    return earlier[-1] if earlier else None


def stopped_before(entries: list[Entry], place: int, pretrain_epochs: int, active: bool) -> bool:
    """Whether a method that has ended shows its last picture at `place` because it stopped before it."""
    return not active and bool(entries) and position(entries[-1], pretrain_epochs) < place
