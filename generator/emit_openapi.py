"""IR → OpenAPI 3.1.0: one document per service (`callgen openapi`, the simulator's /openapi.json).

`openapi_document(service)` returns the document as a dict, ordered as the spec is (operations,
codes, examples and notes in spec order), so the same spec gives the same JSON byte for byte.
Bodies are the JSON Schemas `callgen schema` prints (`emit_schema.body_schema`), annotated with
`x-source` and plain-words descriptions, placed under `components/schemas` as `<op>.request`,
`<op>.response` and `<callback>.callback` with their `$defs` inside.

What OpenAPI has no field for travels as `x-` extensions (listed in `info.description`):
result codes and their texts, limits, notes, the body token, the signing schemes.

Routes that differ only by a fixed query (Yantong's `/api.php?r=…`) get distinct path keys by
one convention, `<path>#<query>` (`/api.php#r=groupcall/task-list`): a URL fragment is never
sent, and the query is a required `in: query` parameter whose only value is the route, so a
client or fuzzer sends exactly `/api.php?r=groupcall/task-list`. `x-route` states the route.
"""

from __future__ import annotations

from typing import Any

from . import __version__, emit_schema
from .ir import Callback, ErrorCode, Example, Limit, Note, Operation, Schema, Service
from .pointers import split

OPENAPI_VERSION = "3.1.0"
JSON_MEDIA = "application/json"
TEXT_MEDIA = "text/plain"

_SCHEMAS_AT = "#/components/schemas/"

EXTENSIONS = {
    "x-service": "the service's name in callgen (`outbound.<service>`)",
    "x-sources": "the vendor documents this one is transcribed from",
    "x-source": "where an item is documented: seed document and section",
    "x-notes": "where the documents are silent or contradict themselves, and the decision taken",
    "x-envelope": "where result code, message, data and request id are in every answer",
    "x-error-codes": "every documented result code of an operation, with its texts",
    "x-rule-codes": "the result code the vendor answers for each kind of rule violation",
    "x-codes": "per-value overrides of x-rule-codes",
    "x-limits": "documented limits: per call, between calls, and server quotas",
    "x-body-token": "a credential carried inside the JSON body (no OpenAPI scheme can say so)",
    "x-signing-scheme": "how a credential header is computed",
    "x-headers": "the request headers the document lists, with their fixed values",
    "x-route": "the exact method, path and fixed query of an operation",
    "x-creates": "true: the call changes server state and is never resent automatically",
    "x-guard": "a call the generated client refuses without an explicit confirmation",
    "x-paging": "a listing read page by page: the page arguments and where items and totals are",
    "x-inferred": "requiredness or a rule inferred where the document's column is blank",
    "x-expect-violations": "an example of the document's own that breaks a documented rule",
    "x-max-bytes, x-must-match, x-unique-by, x-integer-string-bounds": (
        "rules JSON Schema cannot state (each also said in words in the description)"
    ),
    "x-enum, x-enum-meanings, x-format, x-forbidden-chars": (
        "documented values (open in answers), their meanings, date/time formats, "
        "forbidden characters"
    ),
}

_SIGNING = {
    "huawei_auth_v2": {
        "x-signing-scheme": "huawei-auth-v2",
        "description": (
            "Huawei CC auth-v2 AK/SK request signing: "
            "auth-v2/{AK}/{UTC yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}/{signedHeaders}/{signature}, "
            "signedHeaders content-length;content-type;host, signature hex HMAC-SHA256 over the "
            "canonical request (method, URI, query, signed header list, header lines, "
            "percent-encoded body) with a key chained from the SK. The exact variant is "
            "outbound._runtime.signing.HuaweiAuthV2Signer. A failed signature is answered with "
            "HTTP 401."
        ),
    },
    "rsa_sha256_headers": {
        "x-signing-scheme": "rsa-sha256-headers",
        "description": (
            "SHA256withRSA (RSASSA-PKCS1-v1_5, SHA-256) with the tenant's private key, "
            "base64 in the sign header; appId and timestamp (milliseconds since the epoch) "
            "travel beside it. What is signed is not published: callgen signs appId + "
            "timestamp (outbound._runtime.signing.default_rsa_message), a replaceable choice."
        ),
    },
}


def openapi_document(service: Service) -> dict[str, Any]:
    """The OpenAPI 3.1.0 document of one service, as a JSON-ready dict in spec order."""
    return _Builder(service).document()


def path_key(op: Operation) -> str:
    """The key of an operation in `paths`: its path, plus `#<query>` when it has a fixed query."""
    if not op.query:
        return op.path
    return op.path + "#" + "&".join(f"{name}={value}" for name, value in op.query)


def schema_key(name: str, kind: str) -> str:
    """The key of a body schema in `components/schemas`: `add_call_data.request`."""
    return f"{name}.{kind}"


class _Builder:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.schemas: dict[str, Any] = {}
        ids = {op.id for op in service.operations}
        types = {t.name for t in service.types}
        callbacks = {cb.name for cb in service.callbacks}
        items = ids | types | callbacks | {"base_url", "auth"}
        # a note about nothing placed elsewhere (rule_codes, the service) goes to `info`
        self.service_notes = [n for n in service.notes if not items & set(n.about)]

    # -- the document ------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        s = self.service
        doc: dict[str, Any] = {
            "openapi": OPENAPI_VERSION,
            "jsonSchemaDialect": emit_schema.DIALECT,
            "info": self.info(),
            "servers": [self.server()],
        }
        security = self.security_schemes()
        if security:
            doc["security"] = [{name: [] for name in security}]
        doc["paths"] = self.paths()
        if s.callbacks:
            doc["webhooks"] = {cb.name: {"post": self.webhook(cb)} for cb in s.callbacks}
        components: dict[str, Any] = {"schemas": self.schemas}
        if security:
            components["securitySchemes"] = security
        doc["components"] = components
        doc["x-service"] = s.name
        doc["x-envelope"] = self.envelope()
        if s.rule_codes:
            doc["x-rule-codes"] = dict(s.rule_codes)
        if s.auth.scheme == "body_token":
            doc["x-body-token"] = self.body_token()
        service_limits = [lim for lim in s.limits if lim.operation is None]
        if service_limits:
            doc["x-limits"] = [_limit(lim) for lim in service_limits]
        return doc

    def info(self) -> dict[str, Any]:
        s = self.service
        sources = ", ".join(f"{src.id} {src.title}" for src in s.sources)
        legend = "\n".join(f"- `{k}`: {v}" for k, v in EXTENSIONS.items())
        env = s.envelope
        codes = ", ".join(repr(v) for v in env.success)
        description = (
            f"Generated by callgen {__version__} from specs/{s.name}.yaml, which transcribes "
            f"the vendor documents ({sources}). The result of a call is in its JSON answer: "
            f"the result code at {env.code} ({codes} means success), not the HTTP status.\n\n"
            f"Extensions:\n{legend}"
        )
        info: dict[str, Any] = {
            "title": s.title,
            "version": f"callgen-{__version__}",
            "description": description,
            "x-sources": [
                {"id": src.id, "file": src.file, "title": src.title} for src in s.sources
            ],
        }
        if self.service_notes:
            info["x-notes"] = [_note(n) for n in self.service_notes]
        return info

    def server(self) -> dict[str, Any]:
        s = self.service
        if s.base_url is not None:
            text = f"The documented base URL, {s.base_url}: replace it with the real one."
        else:
            text = "The documents give no base URL: use the vendor's."
        server: dict[str, Any] = {
            "url": "{baseUrl}",
            "description": text,
            "variables": {"baseUrl": {"default": s.base_url or "", "description": text}},
        }
        if s.base_url_source is not None:
            server["x-source"] = s.base_url_source
        notes = self.notes_about("base_url")
        if notes:
            server["x-notes"] = notes
        return server

    def security_schemes(self) -> dict[str, Any]:
        auth = self.service.auth
        signing = _SIGNING.get(auth.scheme)
        if signing is None:
            return {}
        source = {"x-source": auth.source} if auth.source is not None else {}
        notes = self.notes_about("auth")
        signed = {"x-notes": notes} if notes else {}  # on the header that carries the signature
        if auth.scheme == "huawei_auth_v2":
            return {
                "huawei_auth_v2": {
                    "type": "apiKey",
                    "in": "header",
                    "name": auth.header or "Authorization",
                    **signing,
                    "x-signed-headers": ["content-length", "content-type", "host"],
                    **source,
                    **signed,
                }
            }
        headers = {
            auth.app_id_header or "appId": ("The application id (appId).", {}),
            auth.timestamp_header or "timestamp": ("Milliseconds since the epoch, in decimal.", {}),
            auth.sign_header or "sign": ("base64 of the SHA256withRSA signature.", signed),
        }
        return {
            name: {
                "type": "apiKey",
                "in": "header",
                "name": name,
                "description": f"{what} {signing['description']}",
                "x-signing-scheme": signing["x-signing-scheme"],
                **source,
                **extra,
            }
            for name, (what, extra) in headers.items()
        }

    def envelope(self) -> dict[str, Any]:
        env = self.service.envelope
        out: dict[str, Any] = {"code": env.code}
        for key in ("message", "data", "request_id"):
            if getattr(env, key) is not None:
                out[key] = getattr(env, key)
        out["success"] = list(env.success)
        if env.source is not None:
            out["x-source"] = env.source
        return out

    def body_token(self) -> dict[str, Any]:
        auth = self.service.auth
        out: dict[str, Any] = {
            "pointer": auth.body_field or "/token",
            "description": (
                "The credential is a token inside the JSON request body, at this JSON Pointer "
                "(OpenAPI security schemes cannot place a credential in a body). How it is "
                "obtained is outside the documents."
            ),
        }
        if auth.source is not None:
            out["x-source"] = auth.source
        return out

    # -- paths ---------------------------------------------------------------------------------

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for op in self.service.operations:
            item = paths.setdefault(path_key(op), {})
            item[op.method.lower()] = self.operation(op)
        return paths

    def operation(self, op: Operation) -> dict[str, Any]:
        s = self.service
        out: dict[str, Any] = {"operationId": op.id}
        if op.summary:
            out["summary"] = op.summary
        description = self.operation_description(op)
        if description:
            out["description"] = description
        parameters = self.parameters(op)
        if parameters:
            out["parameters"] = parameters
        request = self.body_ref(op.id, "request", op.request)
        out["requestBody"] = {
            "required": True,
            "content": {
                JSON_MEDIA: {
                    "schema": request,
                    **_examples([ex for ex in op.examples if ex.kind == "request"]),
                }
            },
        }
        headers = [h for h in op.headers if h.value is not None]
        if headers:
            out["requestBody"]["description"] = "Headers: " + "; ".join(
                f"{h.name}: {h.value}" for h in headers
            )
        codes = self.codes_of(op)
        out["responses"] = self.responses(op, codes)
        out["x-route"] = {"method": op.method.upper(), "path": op.path, "query": dict(op.query)}
        if op.source is not None:
            out["x-source"] = op.source
        if codes:
            out["x-error-codes"] = [_code(c) for c in codes]
        if op.headers:
            out["x-headers"] = [
                {
                    "name": h.name,
                    **({"value": h.value} if h.value is not None else {}),
                    **({"credential": True} if h.credential else {}),
                    **({"x-source": h.source} if h.source is not None else {}),
                }
                for h in op.headers
            ]
        if s.auth.scheme == "body_token":
            out["x-body-token"] = self.body_token()
        limits = [lim for lim in s.limits if lim.operation == op.id]
        if limits:
            out["x-limits"] = [_limit(lim) for lim in limits]
        out["x-creates"] = op.creates
        if op.guard is not None:
            out["x-guard"] = {
                # as the spec writes it: a name, or a list of names given together
                "unless_any_of": [g[0] if len(g) == 1 else list(g) for g in op.guard.unless_any_of],
                "confirm": op.guard.confirm,
                **({"note": op.guard.note} if op.guard.note is not None else {}),
            }
        if op.paging is not None:
            paging = op.paging
            out["x-paging"] = {  # as the spec writes it (argument names, response pointers)
                key: getattr(paging, key)
                for key in ("page", "page_size", "items", "total_pages", "total_items")
                if getattr(paging, key) is not None
            } | {"first_page": paging.first_page}
        notes = self.notes_about(op.id)
        if notes:
            out["x-notes"] = notes
        return out

    def operation_description(self, op: Operation) -> str:
        parts = []
        if op.query:
            query = "&".join(f"{k}={v}" for k, v in op.query)
            parts.append(
                f"Route: {op.method.upper()} {op.path}?{query}. The path key's `#{query}` only "
                "keeps operations on one path apart (a fragment is never sent); the query "
                "parameters below send the route."
            )
        for lim in self.service.limits:
            if lim.operation == op.id:
                parts.append(_limit_sentence(lim))
        if op.guard is not None:
            names = op.guard.text
            parts.append(
                f"A call naming none of {names} is refused by the generated client unless "
                f"{op.guard.confirm}=True (x-guard)."
            )
        if op.creates:
            parts.append(
                "Changes server state: never resent once it may have reached the server "
                "(x-creates)."
            )
        if op.paging is not None:
            parts.append(
                f"Paged: the argument {op.paging.page} numbers the pages from "
                f"{op.paging.first_page}; the items of a page are at {op.paging.items} "
                "(x-paging)."
            )
        return "\n\n".join(parts)

    def parameters(self, op: Operation) -> list[dict[str, Any]]:
        out = []
        for prop in op.path_params:
            schema = emit_schema.SchemaEmitter(strict=True, annotated=True).node(prop.schema)
            param: dict[str, Any] = {"name": prop.name, "in": "path", "required": True}
            if prop.schema.description:
                param["description"] = schema["description"]
            param["schema"] = schema
            if prop.schema.source is not None:
                param["x-source"] = prop.schema.source
            out.append(param)
        for name, value in op.query:
            out.append(
                {
                    "name": name,
                    "in": "query",
                    "required": True,
                    "description": f"Fixed: always {value} (the route of this operation).",
                    "schema": {"type": "string", "const": value},
                }
            )
        return out

    def body_ref(self, name: str, kind: str, body: Schema) -> dict[str, Any]:
        key = schema_key(name, kind)
        schema = emit_schema.body_schema(
            self.service,
            body,
            kind,
            emit_schema.title(self.service, name, kind),
            annotated=True,
            defs_at=f"{_SCHEMAS_AT}{key}/$defs/",
        )
        for type_name, definition in schema.get("$defs", {}).items():
            notes = self.notes_about(type_name)
            if notes:
                definition["x-notes"] = notes
        self.schemas[key] = schema
        return {"$ref": _SCHEMAS_AT + key}

    def responses(self, op: Operation, codes: list[ErrorCode]) -> dict[str, Any]:
        env = self.service.envelope
        success = ", ".join(repr(v) for v in env.success)
        examples = _examples([ex for ex in op.examples if ex.kind == "response"])
        for code in codes:
            if code.success:
                continue
            example: dict[str, Any] = {
                "summary": f"{code.code} {code.name}: {code.description}",
                "value": self.error_body(code),
            }
            if code.texts:
                example["x-source"] = code.texts[0][0]
            examples.setdefault("examples", {})[f"code_{code.code}"] = example
        responses: dict[str, Any] = {
            "200": {
                "description": (
                    f"Every answer, success or refusal: the result code at {env.code} says which "
                    f"({success} is success; the others are in x-error-codes)."
                ),
                "content": {
                    JSON_MEDIA: {
                        "schema": self.body_ref(op.id, "response", op.response),
                        **examples,
                    }
                },
            }
        }
        if self.service.auth.scheme == "huawei_auth_v2":
            responses["401"] = _text_response(
                "The Authorization header is missing or its auth-v2 signature does not verify "
                "(an HTTP answer with no result code: the documents list none for it)."
            )
        if op.query or op.path_params:
            responses["404"] = _text_response(
                "No operation here: a fixed query parameter with another value, or a path "
                "parameter that is not one path segment. The vendor documents no such answer; "
                "this is what callgen's simulator says."
            )
        return responses

    def error_body(self, code: ErrorCode) -> dict[str, Any]:
        """The envelope of a refusal with this code, typed like the success code."""
        env = self.service.envelope
        value: Any = code.code
        if env.success and isinstance(env.success[0], int) and code.code.isdigit():
            value = int(code.code)
        body: dict[str, Any] = {}
        _put(body, env.code, value)
        if env.message is not None:
            _put(body, env.message, code.description)
        return body

    def webhook(self, cb: Callback) -> dict[str, Any]:
        out: dict[str, Any] = {"operationId": cb.name}
        if cb.summary:
            out["summary"] = cb.summary
        out["description"] = (
            "Pushed by the vendor to the callback URL the caller gave (for example each "
            "record's callback_url). The documents show the body only: POST and JSON are "
            "assumed, and the reply the vendor expects is not documented."
        )
        out["requestBody"] = {
            "required": True,
            "content": {
                JSON_MEDIA: {
                    "schema": self.body_ref(cb.name, "callback", cb.body),
                    **_examples(list(cb.examples)),
                }
            },
        }
        out["responses"] = {"200": {"description": "Received (the reply is not documented)."}}
        if cb.source is not None:
            out["x-source"] = cb.source
        notes = self.notes_about(cb.name)
        if notes:
            out["x-notes"] = notes
        return out

    # -- helpers -------------------------------------------------------------------------------

    def codes_of(self, op: Operation) -> list[ErrorCode]:
        """The success code(s), then the codes documented for this operation, in spec order."""
        out = []
        for code in self.service.error_codes:
            if code.success:
                out.append(code)
            elif op.error_codes:
                if code.code in op.error_codes:
                    out.append(code)
            elif not code.operations or op.id in code.operations:
                out.append(code)
        return out

    def notes_about(self, item: str) -> list[dict[str, Any]]:
        return [_note(n) for n in self.service.notes if item in n.about]


def _examples(examples: list[Example]) -> dict[str, Any]:
    if not examples:
        return {}
    out: dict[str, Any] = {}
    for ex in examples:
        entry: dict[str, Any] = {"summary": "The document's example"}
        if ex.source is not None:
            entry["summary"] += f" ({ex.source})"
        if ex.expect_violations:
            broken = ", ".join(f"{v.path} ({v.rule})" for v in ex.expect_violations)
            entry["description"] = (
                f"Verbatim from the document, which breaks its own rules here: {broken}. "
                "Sent as it is, it is refused."
            )
        entry["value"] = ex.body
        if ex.source is not None:
            entry["x-source"] = ex.source
        if ex.expect_violations:
            entry["x-expect-violations"] = [
                {"path": v.path, "rule": v.rule} for v in ex.expect_violations
            ]
        out[ex.name] = entry
    return {"examples": out}


def _text_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {TEXT_MEDIA: {"schema": {"type": "string"}}}}


def _note(n: Note) -> dict[str, Any]:
    out: dict[str, Any] = {"id": n.id}
    if n.source is not None:
        out["source"] = n.source
    out["text"] = n.text
    out["decision"] = n.decision
    return out


def _code(c: ErrorCode) -> dict[str, Any]:
    out: dict[str, Any] = {"code": c.code, "name": c.name}
    if c.success:
        out["success"] = True
    out["texts"] = [{"source": source, "text": text} for source, text in c.texts]
    if c.retryable:
        out["retryable"] = True
    if not c.success:
        out["scope"] = c.scope
    return out


def _limit(lim: Limit) -> dict[str, Any]:
    out: dict[str, Any] = {"id": lim.id, "kind": lim.kind}
    if lim.value is not None:
        out["value"] = lim.value
    out["enforced_by"] = lim.enforced_by
    if lim.code is not None:
        out["code"] = lim.code
    if lim.description:
        out["description"] = lim.description
    if lim.source is not None:
        out["x-source"] = lim.source
    return out


def _limit_sentence(lim: Limit) -> str:
    where = "the generated client honours it" if lim.enforced_by == "client" else "server-side"
    code = f"; refused with {lim.code}" if lim.code else ""
    return f"Limit {lim.id}: {lim.description.rstrip('.')} ({where}{code})."


def _put(body: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = split(pointer)
    target = body
    for token in tokens[:-1]:
        target = target.setdefault(token, {})
    target[tokens[-1]] = value
