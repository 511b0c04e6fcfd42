"""Paging that never counts: a queue of a million cases costs as much to count as to sort, and
nobody pages to the end. One extra row is fetched to know whether there is a next page."""
from dataclasses import dataclass


@dataclass
class LookaheadPage:
    object_list: list
    number: int
    has_next: bool
    per_page: int

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)


def lookahead_page(queryset, raw_number, per_page: int = 25) -> LookaheadPage:
    try:
        number = max(1, min(int(raw_number or 1), 10_000))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return LookaheadPage(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page, per_page=per_page)
