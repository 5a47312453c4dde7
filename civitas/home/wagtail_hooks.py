from wagtail import hooks

from .sections import HomeSection


@hooks.register("civitas_home_section")
def open_processes_section():
    from civitas.participation.selectors import processes_by_status

    def get_context(request):
        groups = processes_by_status()
        return {
            "groups": groups,
            "has_processes": any(groups[k] for k in ("active", "between", "upcoming")),
        }

    return HomeSection("open_processes", "home/sections/open_processes.html", get_context)
