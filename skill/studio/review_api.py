"""The studio's review routes: signing off an exercise or the shared phrases (with a comment, keeping the
approved text for later word-level differences), comments on a step or a phrase, the shared phrases by
situation, and the hold audio as the skill serves it. Registered on the studio's app by ``server.create_app``.
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

    @app.get("/api/phrases")
    def api_phrases():
        return jsonify(library.phrases(lib.current(), content_dir))

    @app.post("/api/approve")
    def api_approve():
        body = request.get_json(silent=True) or {}
        rid, reviewer, approved = body.get("exercise"), body.get("reviewer"), body.get("hash")
        comment = body.get("comment", "")
        if not all(isinstance(v, str) for v in (rid, reviewer, approved, comment)):
            abort(400, "exercise, reviewer and hash are needed")
        rid = known(rid)
        snap = lib.current()
        phrases_now = review.shared_hash(content_dir)
        if rid == approvals.PHRASES_ID:
            now, texts, phrases_hash = phrases_now, review.shared_texts(content_dir), ""
        else:
            now, phrases_hash = snap.hashes.get(rid), phrases_now
            texts = review.exercise_texts(content_dir / snap.files[rid])
        if approved != now:
            what = "shared phrases" if rid == approvals.PHRASES_ID else "exercise"
            return jsonify(error=f"The {what} changed since this page was loaded; reload and review it again."), 409
        try:
            with writing:
                approval = approvals.record(content_dir, rid, reviewer, approved, _today(), phrases_hash, comment)
                review.write_approved(content_dir, rid, texts, f"{rid}: approved by {approval.reviewer} on "
                                      f"{approval.date}, {approval.hash}")
        except approvals.ApprovalError as exc:
            abort(400, str(exc))
        return jsonify(approval=approval.__dict__, status="approved")

    @app.post("/api/comment")
    def api_comment():
        body = request.get_json(silent=True) or {}
        rid, step, reviewer, text = (body.get(k) for k in ("exercise", "step", "reviewer", "text"))
        if not all(isinstance(v, str) for v in (rid, step, reviewer, text)):
            abort(400, "exercise, step, reviewer and text are needed")
        rid = known(rid)
        steps = ({f"{s}.{f}" for s, f in review.shared_texts(content_dir)} if rid == approvals.PHRASES_ID
                 else {s.id for s in lib.current().exercises[rid].steps})
        if step not in steps:
            abort(404, "no such step")
        try:
            with writing:
                comment = review.add_comment(content_dir, rid, step, reviewer, text, _today())
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
