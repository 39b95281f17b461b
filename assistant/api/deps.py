"""FastAPI dependencies: the app's services, its settings and the loaded index.

Routes declare what they need with the `Annotated` aliases below and build nothing themselves.
Routes with a request body or query to validate take `ServicesDep` and reach the core after
validation, so a bad request is 422 even while the index is missing (503, IndexNotReady).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.api.services import Services
from assistant.config import Settings
from assistant.index.store import LoadedIndex


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_app_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_index(services: ServicesDep) -> LoadedIndex:
    return services.index()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
IndexDep = Annotated[LoadedIndex, Depends(get_index)]
