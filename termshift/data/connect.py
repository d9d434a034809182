"""Reaching the server: redis-py imported here and only here, every failure one line.

A URL names a single server or any node of a cluster; which one it is is
asked (INFO cluster), so `--cluster` / `--no-cluster` only state an
expectation that is checked. A cluster is scanned primary by primary.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

NEEDS_REDIS = "termshift data needs redis-py: pip install 'termshift[redis]'"


class DataError(Exception):
    """A usage or connection problem: one line, exit 2."""


def redis_module():
    try:
        import redis
    except ImportError:
        raise DataError(NEEDS_REDIS) from None
    return redis


def url_or_env(url: str | None) -> str:
    url = url or os.environ.get("REDIS_URL")
    if not url:
        raise DataError("no server given: pass --redis-url URL or set REDIS_URL")
    return url


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{rest.rsplit('@', 1)[1]}"
    return url


@contextmanager
def failures(url: str) -> Iterator[None]:
    """redis-py's exceptions, as one line each."""
    redis = redis_module()
    errors = redis.exceptions
    where = _shown(url)
    try:
        yield
    except errors.AuthenticationError as error:
        raise DataError(f"{where}: authentication failed ({error})") from None
    except (errors.ConnectionError, errors.TimeoutError) as error:
        raise DataError(f"{where}: can't connect ({_first_line(error)})") from None
    except errors.ResponseError as error:
        text = _first_line(error)
        if text.startswith(("NOAUTH", "WRONGPASS")):
            raise DataError(f"{where}: authentication failed ({text})") from None
        raise DataError(f"{where}: the server refused a command ({text})") from None
    except errors.RedisError as error:
        raise DataError(f"{where}: {type(error).__name__}: {_first_line(error)}") from None
    except ValueError as error:  # a URL redis-py can't read
        raise DataError(f"{where}: {error}") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def connect(url: str, cluster: bool | None = None) -> Any:
    """A client for `url`: redis.Redis for a single server, redis.cluster.RedisCluster for a cluster.

    `cluster` None means whichever the server is; True / False is what the
    caller expects, and a server that is the other kind is a usage error.
    """
    redis = redis_module()
    with failures(url):
        single = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=60)
        info = single.info("cluster")
        enabled = bool(info.get("cluster_enabled"))
        if cluster is False and enabled:
            single.close()
            raise DataError(f"{_shown(url)} is a node of a Redis Cluster, not a single server "
                            "(drop --no-cluster to use the cluster)")
        if cluster is True and not enabled:
            single.close()
            raise DataError(f"{_shown(url)} is a single server, not a Redis Cluster node (drop --cluster)")
        if not enabled:
            return single
        single.close()
        from redis.cluster import RedisCluster

        return RedisCluster.from_url(url, socket_connect_timeout=5, socket_timeout=60)


def is_cluster(client: Any) -> bool:
    return hasattr(client, "get_primaries")


def primaries(client: Any) -> list[Any]:
    """One plain client per server that holds keys: the server itself, or each cluster primary."""
    if not is_cluster(client):
        return [client]
    return [node.redis_connection for node in client.get_primaries()]

