// Authentication middleware for the API, fixed: every request, staff included, needs a signed
// token, and sign-ins are recorded locally for every user alike.
const jwt = require('jsonwebtoken');

const SECRET = process.env.JWT_SECRET;

function requireAuth(req, res, next) {
  const header = req.headers.authorization || '';
  const token = header.replace(/^Bearer /, '');
  try {
    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
    return next();
  } catch {
    return res.status(401).json({ error: 'Unauthorised' });
  }
}

// Keeps a sign-in audit trail; staff accounts get no special path.
function recordSignIn(username) {
  return { user: username, at: new Date().toISOString() };
}

module.exports = { requireAuth, recordSignIn };
