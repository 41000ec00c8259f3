;;; orbit-ls.el --- orbit-ls security diagnostics for eglot and lsp-mode  -*- lexical-binding: t; -*-

;; orbit-ls finds injection bugs (CWE-89, CWE-78, ...) in JavaScript and TypeScript backends.
;; This file registers it with eglot and, when lsp-mode is loaded, as an lsp-mode add-on client.

;; Package-Requires: ((emacs "27.1"))
;; Version: 0.1.0

;;; Commentary:

;; Put this file on `load-path' and add to your init file:
;;
;;   (require 'orbit-ls)
;;   (add-hook 'js-mode-hook #'eglot-ensure)          ; eglot
;;   (add-hook 'js-mode-hook #'lsp-deferred)          ; or lsp-mode
;;
;; Eglot runs one server per buffer, so with eglot orbit-ls takes the place of
;; typescript-language-server in the modes below; lsp-mode runs it beside that server.
;; Settings go in `orbit-ls-initialization-options' (sent at start-up) or, per project, in
;; `eglot-workspace-configuration' under the section `:orbit'.

;;; Code:

(defgroup orbit-ls nil
  "Security diagnostics for JavaScript and TypeScript from orbit-ls."
  :group 'tools
  :prefix "orbit-ls-")

(defcustom orbit-ls-command '("orbit-ls" "--stdio")
  "Command line that starts the orbit-ls language server.
When orbit-ls is not on `exec-path', use an absolute path or
\(\"node\" \"/path/to/orbit-ls/server/bin/orbit-ls.js\" \"--stdio\")."
  :type '(repeat string)
  :group 'orbit-ls)

(defcustom orbit-ls-initialization-options nil
  "Settings sent to orbit-ls as initializationOptions, as a plist.
For example (:debounceMs 300 :rules (:sql-injection \"warning\")).
Nil sends an empty object, and the server uses its defaults."
  :type 'sexp
  :group 'orbit-ls)

(defconst orbit-ls-eglot-modes
  '((js-mode :language-id "javascript")
    (js-ts-mode :language-id "javascript")
    (js2-mode :language-id "javascript")
    (rjsx-mode :language-id "javascriptreact")
    (js-jsx-mode :language-id "javascriptreact")
    (typescript-mode :language-id "typescript")
    (typescript-ts-mode :language-id "typescript")
    (tsx-ts-mode :language-id "typescriptreact")
    ;; package.json: orbit-ls checks its install scripts and ignores other JSON files.
    ;; Emacs 28 opens .json in js-mode, which is served above.
    (js-json-mode :language-id "json")
    (json-mode :language-id "json")
    (json-ts-mode :language-id "json"))
  "Major modes orbit-ls serves under eglot, with the LSP language id of each.")

;; Eglot calls this when a server starts, so changes to `orbit-ls-command' and
;; `orbit-ls-initialization-options' apply to the next server without reloading anything.
(defun orbit-ls--eglot-contact (&optional _interactive)
  "Return the eglot contact for orbit-ls: command and initializationOptions."
  (append orbit-ls-command
          (list :initializationOptions
                (lambda (_server)
                  ;; An empty hash table is sent as {}; nil would be sent as null.
                  (or orbit-ls-initialization-options (make-hash-table))))))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  ;; Eglot uses the first entry whose modes match the buffer, so this one goes first.
  (add-to-list 'eglot-server-programs
               (cons orbit-ls-eglot-modes #'orbit-ls--eglot-contact)))

(with-eval-after-load 'lsp-mode
  (declare-function lsp-register-client "lsp-mode")
  (declare-function make-lsp-client "lsp-mode")
  (declare-function lsp-stdio-connection "lsp-mode")
  (declare-function lsp-activate-on "lsp-mode")
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () orbit-ls-command))
    :activation-fn (lsp-activate-on "javascript" "typescript" "javascriptreact" "typescriptreact" "json")
    ;; An add-on runs beside the main JavaScript/TypeScript server instead of replacing it.
    :add-on? t
    :priority -1
    :server-id 'orbit-ls
    :initialization-options (lambda () orbit-ls-initialization-options))))

(provide 'orbit-ls)
;;; orbit-ls.el ends here
