"""The Telegram bot: a thin adapter between the Bot API and `Assistant.ask`.

`app.build_application` makes the python-telegram-bot Application (polling: `tbt telegram`;
webhook: `webhook.router` at POST /telegram/webhook). No domain logic lives here: the bot turns
updates into `Assistant.ask` calls and answers into Telegram HTML messages and buttons.
"""
