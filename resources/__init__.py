"""The app's data files: Qt translations (``translations/``) and the app icon (``icons/``).

Shipped inside the package (wheel and frozen bundle alike) and found with
:func:`app.packaged.packaged_path`, never relative to the source tree.
"""
