"""Each registered process's own staff pages (`Process.staff_links`) on the staff desk (`core.desk`)."""
from dataclasses import replace

from khedmat.cases.process import registered
from khedmat.catalog.selectors import service_title_map
from khedmat.core.desk import DeskLink


def process_desk_links() -> list[DeskLink]:
    processes = [p for p in registered() if p.staff_links]
    titles = service_title_map()
    links = []
    for process in processes:
        section = titles.get(process.service_code, process.service_code)
        for entry in process.staff_links:
            link = entry if isinstance(entry, DeskLink) else DeskLink(entry[1], entry[0])
            links.append(replace(link, section=section, description=process.staff_links_description,
                                 service_code=link.service_code or process.service_code))
        # The section's description is the process's; each link keeps its own label.
    return links
