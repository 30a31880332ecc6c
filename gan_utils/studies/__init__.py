"""Experiments that run the engine many times, and the readers of their committed results.

``bugs`` reproduces the article's bugs for notebook 03; notebook 04's ``variants`` (one variant
of training, run and scored), ``study`` (the committed long-budget study), ``pairs`` (live
before/after pairs) and ``ablation`` (the recipe with one ingredient removed); notebook 06's
``at_work`` and notebook 07's ``after_gan`` (the modern-loss study). Studies import the engine;
the engine never imports them.
"""
