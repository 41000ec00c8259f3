;;; scenario.el --- What the Emacs batch-mode scenarios share  -*- lexical-binding: t; -*-

;; Loaded by quickfix.el and regenerate.el: the result record written as JSON to the file named by
;; ORBIT_RESULT, the bounded waits that let eglot and flymake work, the flymake helpers, opening
;; ORBIT_FILE under eglot as a user would, and the guard that always leaves a record.

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

(defun orbit-test-cleared-p (before line)
  "Whether exactly one of the BEFORE findings is gone and none is left on LINE."
  (let ((now (orbit-test-findings)))
    (and (= (length now) (1- (length before)))
         (cl-notany (lambda (d) (= (line-number-at-pos (flymake-diagnostic-beg d)) line)) now))))

(defun orbit-test-describe (diag)
  `((line . ,(line-number-at-pos (flymake-diagnostic-beg diag)))
    (text . ,(flymake-diagnostic-text diag))
    (type . ,(symbol-name (flymake-diagnostic-type diag)))))

(defun orbit-test-line (pos)
  (save-excursion
    (goto-char pos)
    (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

;; As docs/editors.md tells users to set it up, with what a test adds from ORBIT_INIT.
(defun orbit-test-attach ()
  "Open ORBIT_FILE under eglot, set up only by clients/emacs/orbit-ls.el, and wait for orbit-ls."
  (require 'eglot)
  (add-to-list 'load-path (expand-file-name "clients/emacs" (getenv "ORBIT_REPO")))
  (require 'orbit-ls)
  ;; A test may add what a user would put in their init file after (require 'orbit-ls).
  (when (getenv "ORBIT_INIT")
    (eval (car (read-from-string (getenv "ORBIT_INIT"))) t))
  (add-hook 'js-mode-hook #'eglot-ensure)
  (find-file (getenv "ORBIT_FILE"))
  (orbit-test-record 'major_mode (symbol-name major-mode))
  ;; eglot-ensure connects from post-command-hook, after the command that opened the file.
  (run-hooks 'post-command-hook)
  (unless (orbit-test-until (lambda () (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))
    (error "eglot did not start orbit-ls for the buffer"))
  (push "attached" orbit-test-steps))

(defun orbit-test-main (run)
  "Call RUN and leave Emacs with a record of what happened, whatever happens."
  ;; A last guard besides the per-step waits.
  (run-at-time (* 3 orbit-test-wait) nil
               (lambda ()
                 (orbit-test-record 'error "The scenario ran out of time")
                 (orbit-test-finish 3)))
  (condition-case err
      (progn (funcall run) (orbit-test-finish 0))
    (error
     (orbit-test-record 'error (error-message-string err))
     ;; The JSON-RPC exchange, including the server's log messages, explains most failures.
     (let ((server (ignore-errors (eglot-current-server))))
       (when server
         (with-current-buffer (jsonrpc-events-buffer server)
           (orbit-test-record 'events (buffer-substring-no-properties
                                       (max (point-min) (- (point-max) 6000)) (point-max))))))
     (orbit-test-finish 1))))

;;; scenario.el ends here
