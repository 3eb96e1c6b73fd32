from fasthtml.common import *

app, rt = fast_app(hdrs=(Script(src="https://unpkg.com/htmx-ext-sse@2.2.1/sse.js"),))


@rt("/")
def index():
    return Titled(
        "Live",
        Div(hx_ext="sse", sse_connect="/ticks", sse_swap="tick", hx_swap="beforeend"),
        Div(sse_close='goodbye'),
        Div(hx_get="/summary", hx_trigger="sse:summary"),
    )
