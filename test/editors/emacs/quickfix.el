;;; quickfix.el --- The quick-fix scenario in Emacs batch mode  -*- lexical-binding: t; -*-

;; Opens a vulnerable file in js-mode under eglot, set up only by the shipped
;; clients/emacs/orbit-ls.el, waits for a diagnostic naming the CWE in ORBIT_CWE (CWE-89 by
;; default) in flymake, applies the preferred quick fix through eglot's own code-action path,
;; waits for the diagnostic to go away and saves.
;; What happened is written as JSON to the file named by ORBIT_RESULT.

;;; Code:

(load (expand-file-name "scenario.el" (file-name-directory load-file-name)) nil t)

(defun orbit-test-run ()
  (orbit-test-attach)
  (let ((server (eglot-current-server)))
    (orbit-test-record 'command (vconcat (process-command (jsonrpc--process server))))
    (orbit-test-record 'language_id (eglot--language-id server)))

  (unless (orbit-test-until (lambda () (orbit-test-findings)))
    (orbit-test-record 'diagnostics_seen (vconcat (mapcar #'orbit-test-describe (flymake-diagnostics))))
    (error "No %s diagnostic reached flymake" orbit-test-cwe))
  (push "diagnosed" orbit-test-steps)
  (let* ((before (orbit-test-findings))
         (target (car before))
         (line (line-number-at-pos (flymake-diagnostic-beg target)))
         (server (eglot-current-server)))
    (orbit-test-record 'before (vconcat (mapcar #'orbit-test-describe before)))
    (orbit-test-record 'line_before (orbit-test-line (flymake-diagnostic-beg target)))

    (let* ((actions (eglot-code-actions (flymake-diagnostic-beg target) (flymake-diagnostic-end target)
                                        "quickfix"))
           (chosen (cl-find-if (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
      (orbit-test-record 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
      (push "actions" orbit-test-steps)
      (unless chosen (error "No preferred quick fix among the code actions"))
      (orbit-test-record 'chosen (plist-get chosen :title))
      ;; The path M-x eglot-code-actions takes once the user has picked an action.
      (eglot--read-execute-code-action (list chosen) server "quickfix"))
    (push "applied" orbit-test-steps)
    (orbit-test-record 'line_after (save-excursion (goto-char (point-min)) (forward-line (1- line))
                                                   (orbit-test-line (point))))

    (let ((cleared (orbit-test-until (lambda () (orbit-test-cleared-p before line)))))
      (orbit-test-record 'after (vconcat (mapcar #'orbit-test-describe (orbit-test-findings))))
      (unless cleared (error "The %s diagnostic did not go away after the fix" orbit-test-cwe)))
    (push "cleared" orbit-test-steps)
    (save-buffer)
    (push "saved" orbit-test-steps)))

(orbit-test-main #'orbit-test-run)

;;; quickfix.el ends here
