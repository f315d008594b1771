"""The studio's review routes: signing off an exercise or the shared phrases (with a comment, keeping the
approved text for later word-level differences), comments on a step or a phrase, the shared phrases by
situation, and the hold audio as the skill serves it. Sign-off and comments take a ``lang`` ("fr"; English
when absent): each language's version has its own. Registered on the studio's app by ``server.create_app``.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file

from . import approvals, library, review, sources


def _today():
    return datetime.now(timezone.utc).date()


def register(app: Flask, lib: library.Library, content_dir: Path) -> None:
    """Add the review routes to ``app``, over the content in ``content_dir`` as ``lib`` reads it."""
    writing = threading.Lock()  # the server answers on several threads; one write to the records at a time

    def known(rid: object) -> str:
        """``rid`` when it names an exercise that loaded, or the shared phrases; 404 otherwise."""
        if not isinstance(rid, str) or not (rid == approvals.PHRASES_ID or rid in lib.current().exercises):
            abort(404, "no such exercise (or its file has errors)")
        return rid

    def language(body: dict) -> str:
        """The body's ``lang`` ("en" when absent) when that language's folder is present; 404 otherwise."""
        lang = body.get("lang", approvals.ENGLISH)
        if lang != approvals.ENGLISH and (not isinstance(lang, str) or lang not in lib.current().languages):
            abort(404, "no such language")
        return lang

    @app.get("/api/phrases")
    def api_phrases():
        return jsonify(library.phrases(lib.current(), content_dir, request.args.get("langs")))

    @app.post("/api/approve")
    def api_approve():
        body = json_object()
        rid, reviewer, approved = body.get("exercise"), body.get("reviewer"), body.get("hash")
        comment = body.get("comment", "")
        if not all(isinstance(v, str) for v in (rid, reviewer, approved, comment)):
            abort(400, "exercise, reviewer and hash are needed")
        rid, lang = known(rid), language(body)
        snap = lib.current()
        phrases_now = review.shared_hash(content_dir, lang)
        if rid == approvals.PHRASES_ID:
            now, texts, phrases_hash = phrases_now, review.shared_texts(content_dir, lang), ""
        elif lang == approvals.ENGLISH:
            now, phrases_hash = snap.hashes.get(rid), phrases_now
            texts = review.exercise_texts(content_dir / snap.files[rid])
        else:
            now, phrases_hash = snap.languages[lang].hashes.get(rid), phrases_now
            texts = review.exercise_texts(content_dir / lang / f"{rid}.toml")
        if lang != approvals.ENGLISH and any(str(e.get("file", "")).startswith(f"{lang}/") for e in snap.errors):
            # The skill refuses to load a language with a broken file, so nothing of it can be signed off yet.
            return jsonify(error=f"The {lang} files have errors the skill refuses; fix them first."), 409
        if approved != now:
            what = "shared phrases" if rid == approvals.PHRASES_ID else "exercise"
            return jsonify(error=f"The {what} changed since this page was loaded; reload and review it again."), 409
        try:
            with writing:
                approval = approvals.record(content_dir, rid, reviewer, approved, _today(), phrases_hash, comment,
                                            lang)
                review.write_approved(content_dir, rid, texts, f"{approvals.key(rid, lang)}: approved by "
                                      f"{approval.reviewer} on {approval.date}, {approval.hash}", lang)
        except approvals.ApprovalError as exc:
            abort(400, str(exc))
        return jsonify(approval=approval.__dict__, status="approved")

    @app.post("/api/comment")
    def api_comment():
        body = json_object()
        rid, step, reviewer, text = (body.get(k) for k in ("exercise", "step", "reviewer", "text"))
        if not all(isinstance(v, str) for v in (rid, step, reviewer, text)):
            abort(400, "exercise, step, reviewer and text are needed")
        rid, lang = known(rid), language(body)
        steps = ({f"{s}.{f}" for s, f in review.shared_texts(content_dir, lang)}
                 | {f"{s}.{f}" for s, f in review.shared_texts(content_dir)} if rid == approvals.PHRASES_ID
                 else {s.id for s in lib.current().exercises[rid].steps})
        if step not in steps:
            abort(404, "no such step")
        try:
            with writing:
                comment = review.add_comment(content_dir, rid, step, reviewer, text, _today(), lang)
        except review.ReviewError as exc:
            abort(400, str(exc))
        return jsonify(comment=comment)

    @app.get("/audio/<name>")
    def audio(name: str):
        # Only the hold audio, by its published (content-hashed) name, as the skill serves it; Range honoured.
        path = sources.audio_file(name)
        if path is None:
            abort(404, "no such audio")
        return send_file(path, mimetype="audio/mpeg", conditional=True)


def json_object() -> dict:
    """The request's JSON body when it is an object, else {} (no body, bad JSON, a list): the routes then answer
    400 naming what they need, never 500."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}
