module.exports = require('../dist/clerk.no-rhc');
