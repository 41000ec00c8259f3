;;; regenerate.el --- The regeneration scenario in Emacs batch mode  -*- lexical-binding: t; -*-

;; Opens the example app in js-mode under eglot (set up only by clients/emacs/orbit-ls.el, with
;; the test Ollama's host in `orbit-ls-initialization-options' from ORBIT_INIT), waits for the
;; CWE-89 diagnostic, picks "Regenerate securely (orbit-ls)" through eglot's own code-action
;; path. eglot 1.9 has no codeAction/resolve, so the action carries the orbit.regenerate command,
;; whose edit comes back as workspace/applyEdit. Waits for the diagnostic to go away and saves.
;; What happened is written as JSON to the file named by ORBIT_RESULT.

;;; Code:

(require 'package)
(require 'json)
(require 'cl-lib)

;; -Q skips Debian's site start-up, which is what puts the elpa-* packages on the load path.
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)

(defvar orbit-test-result nil "Alist of what the scenario saw, written out as JSON.")
(defvar orbit-test-steps nil "Names of the steps that completed, newest first.")
(defconst orbit-test-wait (string-to-number (or (getenv "ORBIT_WAIT_SECONDS") "20"))
  "Seconds each step may wait, so a silent server fails one step instead of hanging.")

(defconst orbit-test-cwe (or (getenv "ORBIT_CWE") "CWE-89")
  "The CWE whose diagnostic the scenario fixes.")

(defun orbit-test-record (key value)
  (setf (alist-get key orbit-test-result) value))

(defun orbit-test-finish (code)
  (orbit-test-record 'steps (vconcat (reverse orbit-test-steps)))
  (with-temp-file (getenv "ORBIT_RESULT")
    (insert (json-encode orbit-test-result)))
  (kill-emacs code))

(defun orbit-test-idle ()
  "Run the idle timers a person pausing at the keyboard would let run.
Batch mode never goes idle, and eglot sends didChange from an idle timer."
  (dolist (timer (copy-sequence timer-idle-list))
    (timer-event-handler timer)))

(defun orbit-test-until (predicate)
  "Let processes and timers run until PREDICATE holds or the step's time is up."
  (let ((deadline (+ (float-time) orbit-test-wait)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (orbit-test-idle))
    (funcall predicate)))

(defun orbit-test-findings ()
  "Flymake diagnostics of the current buffer that name `orbit-test-cwe', in buffer order."
  (sort (cl-remove-if-not (lambda (d) (string-match-p (regexp-quote (format "(%s)" orbit-test-cwe))
                                                      (flymake-diagnostic-text d)))
                          (flymake-diagnostics))
        (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))

(defun orbit-test-describe (diag)
  `((line . ,(line-number-at-pos (flymake-diagnostic-beg diag)))
    (text . ,(flymake-diagnostic-text diag))
    (type . ,(symbol-name (flymake-diagnostic-type diag)))))

(defun orbit-test-line (pos)
  (save-excursion
    (goto-char pos)
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun orbit-test-run ()
  (require 'eglot)
  (add-to-list 'load-path (expand-file-name "clients/emacs" (getenv "ORBIT_REPO")))
  (require 'orbit-ls)
  (when (getenv "ORBIT_INIT")
    (eval (car (read-from-string (getenv "ORBIT_INIT"))) t))
  (add-hook 'js-mode-hook #'eglot-ensure)
  (find-file (getenv "ORBIT_FILE"))
  (run-hooks 'post-command-hook)
  (unless (orbit-test-until (lambda () (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))
    (error "eglot did not start orbit-ls for the buffer"))
  (push "attached" orbit-test-steps)
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
    (let ((cleared (orbit-test-until
                    (lambda ()
                      (let ((now (orbit-test-findings)))
                        (and (= (length now) (1- (length before)))
                             (cl-notany (lambda (d) (= (line-number-at-pos (flymake-diagnostic-beg d)) line)) now)))))))
      (orbit-test-record 'after (length (orbit-test-findings)))
      (unless cleared (error "The %s diagnostic did not go away after regeneration" orbit-test-cwe)))
    (push "cleared" orbit-test-steps)
    (save-buffer)
    (push "saved" orbit-test-steps)))

;; A last guard besides the per-step waits: whatever happens, Emacs leaves with a record.
(run-at-time (* 3 orbit-test-wait) nil
             (lambda ()
               (orbit-test-record 'error "The scenario ran out of time")
               (orbit-test-finish 3)))

(condition-case err
    (progn (orbit-test-run) (orbit-test-finish 0))
  (error
   (orbit-test-record 'error (error-message-string err))
   ;; The JSON-RPC exchange, including the server's log messages, explains most failures.
   (let ((server (ignore-errors (eglot-current-server))))
     (when server
       (with-current-buffer (jsonrpc-events-buffer server)
         (orbit-test-record 'events (buffer-substring-no-properties
                                     (max (point-min) (- (point-max) 6000)) (point-max))))))
   (orbit-test-finish 1)))

;;; regenerate.el ends here
