;;; regenerate.el --- The regeneration scenario in Emacs batch mode  -*- lexical-binding: t; -*-

;; Opens the example app in js-mode under eglot (set up only by clients/emacs/orbit-ls.el, with
;; the test Ollama's host in `orbit-ls-initialization-options' from ORBIT_INIT), waits for the
;; CWE-89 diagnostic, picks "Regenerate securely (orbit-ls)" through eglot's own code-action
;; path. eglot 1.9 has no codeAction/resolve, so the action carries the orbit.regenerate command,
;; whose edit comes back as workspace/applyEdit. Waits for the diagnostic to go away and saves.
;; What happened is written as JSON to the file named by ORBIT_RESULT.

;;; Code:

(load (expand-file-name "scenario.el" (file-name-directory load-file-name)) nil t)

(defun orbit-test-run ()
  (orbit-test-attach)
  (let ((caps (eglot--capabilities (eglot-current-server))))
    (orbit-test-record 'resolve_provider (if (eq (plist-get (plist-get caps :codeActionProvider) :resolveProvider) t) t :json-false)))
  (unless (orbit-test-until (lambda () (orbit-test-findings)))
    (error "No %s diagnostic reached flymake" orbit-test-cwe))
  (push "diagnosed" orbit-test-steps)
  (let* ((before (orbit-test-findings))
         (target (car before))
         (line (line-number-at-pos (flymake-diagnostic-beg target)))
         (server (eglot-current-server))
         (tick (buffer-chars-modified-tick)))
    (orbit-test-record 'before (length before))
    (let* ((actions (eglot-code-actions (flymake-diagnostic-beg target) (flymake-diagnostic-end target) "quickfix"))
           (chosen (cl-find-if (lambda (a) (string-prefix-p "Regenerate securely (orbit-ls)" (plist-get a :title))) actions)))
      (orbit-test-record 'titles (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
      (unless chosen (error "No \"Regenerate securely\" action among the code actions"))
      (orbit-test-record 'chosen (plist-get chosen :title))
      (orbit-test-record 'has_edit (if (plist-get chosen :edit) t :json-false))
      (orbit-test-record 'command (plist-get (plist-get chosen :command) :command))
      (push "actions" orbit-test-steps)
      ;; eglot asks before applying an edit the server sends; the user answers yes.
      (advice-add 'y-or-n-p :override
                  (lambda (prompt) (orbit-test-record 'confirmed (string-trim prompt)) t))
      ;; The path M-x eglot-code-actions takes once the user has picked an action.
      (eglot--read-execute-code-action (list chosen) server "quickfix"))
    (unless (orbit-test-until (lambda () (/= tick (buffer-chars-modified-tick))))
      (error "The regenerated body never reached the buffer"))
    (push "applied" orbit-test-steps)
    (let ((cleared (orbit-test-until (lambda () (orbit-test-cleared-p before line)))))
      (orbit-test-record 'after (length (orbit-test-findings)))
      (unless cleared (error "The %s diagnostic did not go away after regeneration" orbit-test-cwe)))
    (push "cleared" orbit-test-steps)
    (save-buffer)
    (push "saved" orbit-test-steps)))

(orbit-test-main #'orbit-test-run)

;;; regenerate.el ends here
