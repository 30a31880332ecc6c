"""The lessons' interactive pieces (ipywidgets): dashboards, explorers, sliders and the display mode.

``controls`` holds the building blocks (PlayLoop, PlayControls, ErrorBox, snapshots);
``display_mode`` the large-font mode for a projector; the rest is one widget per lesson:
``gradient_descent`` (01), ``toy_dashboard`` (02), ``dashboard`` (03), ``break_it`` (04),
``latent_explorer`` (05), ``truncation`` (06). Widgets drive the engine; the engine never imports them.
"""
