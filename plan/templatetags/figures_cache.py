"""``{% figures_cache "name" vary_on... %}...{% endfigures_cache %}``: a fragment of plan-wide
figures rendered once and served again until the plan's data changes (``plan.figures_cache``).

The key holds the current plan, its figures stamp, the language and today's date; list after
the name whatever else the fragment varies on (the figures choice, a period, a filter). Nothing
inside may depend on who is looking: no CSRF token, no link only some users get. A page that
must render the fragment live for some users sets ``figures_live`` in its context.
"""

from django import template

from plan.figures_cache import cached_fragment

register = template.Library()


class FiguresCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        def render():
            return self.nodelist.render(context)

        if context.get("figures_live"):
            return render()
        name = self.name.resolve(context)
        vary_on = [value.resolve(context) for value in self.vary_on]
        return cached_fragment(context.get("current_plan"), name, vary_on, render)


@register.tag("figures_cache")
def do_figures_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name.")
    nodelist = parser.parse(("endfigures_cache",))
    parser.delete_first_token()
    return FiguresCacheNode(nodelist, parser.compile_filter(bits[1]),
                            [parser.compile_filter(bit) for bit in bits[2:]])  # fmt: skip
