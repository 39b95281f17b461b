"""WeChat Official Account (/wechat) and WeCom (/wecom): thin adapters over `Assistant.ask`."""
