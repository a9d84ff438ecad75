"""``{% figures_cache "name" "domains" vary_on... %}...{% endfigures_cache %}``: a fragment of
plan-wide figures rendered once and served again until the plan's data of those domains
changes (``plan.figures_cache``).

``domains`` names what the fragment reads, space-separated: ``projects``, ``tasks``,
``indicators``, or ``all``. The key holds the current plan, the stamps of those domains, the
language and today's date; list after them whatever else the fragment varies on (the figures
choice, a period, a filter). Nothing inside may depend on who is looking: no CSRF token, no link
only some users get. A page that must render the fragment live for some users sets
``figures_live`` in its context. Fragments may nest: an outer one that must be rendered again
serves the inner ones still fresh from the cache.
"""

from django import template

from plan.figures_cache import DOMAINS, cached

register = template.Library()


class FiguresCacheNode(template.Node):
    def __init__(self, nodelist, name, domains, vary_on):
        self.nodelist, self.name, self.domains, self.vary_on = nodelist, name, domains, vary_on

    def render(self, context):
        def render():
            return self.nodelist.render(context)

        if context.get("figures_live"):
            return render()
        domains = str(self.domains.resolve(context)).split()
        domains = DOMAINS if domains == ["all"] else domains
        if not domains or set(domains) - set(DOMAINS):
            raise template.TemplateSyntaxError(f"figures_cache: unknown domains {domains}")
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return cached(context.get("current_plan"), name, domains, vary_on, render)


@register.tag("figures_cache")
def do_figures_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name and domains.")
    nodelist = parser.parse(("endfigures_cache",))
    parser.delete_first_token()
    name, domains, *vary_on = (parser.compile_filter(bit) for bit in bits[1:])
    return FiguresCacheNode(nodelist, name, domains, vary_on)
