// 济时救: passkeys (WebAuthn) for staff, where the browser offers them. On the sign-in's code
// page it signs the server's challenge with a passkey instead of a typed code; on the account
// page it adds a passkey on this device. Without this script, or in a browser without passkeys,
// the buttons stay hidden and the code works as before. The server's JSON carries binary values
// as base64url; the browser's API takes and gives ArrayBuffers.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;

  function toBuffer(text) {
    var base64 = String(text).replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var bytes = atob(base64);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    return buffer.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  /** Posts JSON (or nothing) and reads the JSON answer, whatever its status. */
  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok, answer: answer };
      });
    });
  }

  function ids(list) {
    (list || []).forEach(function (credential) {
      credential.id = toBuffer(credential.id);
    });
  }

  function creationOptions(options) {
    var key = options.publicKey;
    key.challenge = toBuffer(key.challenge);
    key.user.id = toBuffer(key.user.id);
    ids(key.excludeCredentials);
    return { publicKey: key };
  }

  function requestOptions(options) {
    var key = options.publicKey;
    key.challenge = toBuffer(key.challenge);
    ids(key.allowCredentials);
    return { publicKey: key };
  }

  /** A new or signing credential as the server reads it. */
  function credentialJson(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      extensions: {},
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
    }
    if (response.authenticatorData) {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      out.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return out;
  }

  /**
   * Binds one passkey box: its button starts the ceremony at `optionsUrl`, the browser asks for
   * the fingerprint or screen lock, and the answer goes to `answerUrl`; the server says where to
   * go next, or the box says what went wrong in the page's own words.
   */
  function bind(box, optionsUrl, answerUrl, ask, prepare) {
    var button = box.querySelector('button');
    var status = box.querySelector('[role=status]');
    box.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      status.textContent = '';
      post(optionsUrl)
        .then(function (started) {
          if (started.answer.next) return started;
          if (!started.ok) throw new Error('refused');
          return ask(prepare(started.answer)).then(function (credential) {
            return post(answerUrl, credentialJson(credential));
          });
        })
        .then(function (finished) {
          if (finished.answer.next) {
            window.location.assign(finished.answer.next);
            return;
          }
          throw new Error(finished.answer.error === 'refused' ? 'refused' : 'failed');
        })
        .catch(function (error) {
          status.textContent = box.getAttribute(
            error && error.message === 'refused' ? 'data-error-refused' : 'data-error-failed'
          );
          button.disabled = false;
        });
    });
  }

  var signIn = document.querySelector('[data-passkey-sign-in]');
  if (signIn) {
    bind(signIn, '/staff/login/passkey/options', '/staff/login/passkey', function (options) {
      return navigator.credentials.get(options);
    }, requestOptions);
  }
  var register = document.querySelector('[data-passkey-register]');
  if (register) {
    bind(register, '/staff/account/passkeys/options', '/staff/account/passkeys', function (options) {
      return navigator.credentials.create(options);
    }, creationOptions);
  }
})();
