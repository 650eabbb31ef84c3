// 济时救: shrinks a phone photo in the browser before it is uploaded, and shows the upload's
// progress. Without this script (or without JS) the same form posts the file as it is, and the
// server checks, shrinks and cleans it either way.
(function () {
  'use strict';
  // Long enough for a document page to stay readable; a phone photo is often 4000 px or more.
  var MAX_SIDE = 2000;
  var QUALITY = 0.85;

  /** Every upload form of the page (the to-do list has one per missing document). */
  function bind() {
    if (!window.FormData || !window.XMLHttpRequest) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-upload]'), bindForm);
  }

  function bindForm(form) {
    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      var file = input && input.files && input.files[0];
      if (!file) return; // the server says what is missing
      event.preventDefault();
      shrink(file).then(function (body) {
        // Said at once, rather than after sending megabytes that the server would refuse.
        if (body.size > Number(form.getAttribute('data-max-bytes') || Infinity)) {
          form.querySelector('[role=status]').textContent = form.getAttribute('data-too-large');
          return;
        }
        var data = new FormData(form);
        data.set('photo', body, body === file ? file.name : 'photo.jpg');
        send(form, data);
      });
    });
  }

  /** A smaller JPEG of a photo, upright; the file itself when it cannot be read as an image. */
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: 'from-image' })
      .then(function (image) {
        var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
        var canvas = document.createElement('canvas');
        canvas.width = Math.round(image.width * scale);
        canvas.height = Math.round(image.height * scale);
        var context = canvas.getContext('2d');
        context.fillStyle = '#fff';
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            resolve(blob && blob.size < file.size ? blob : file);
          }, 'image/jpeg', QUALITY);
        });
      })
      .catch(function () {
        return file;
      });
  }

  function send(form, data) {
    var box = form.querySelector('.upload-progress');
    var bar = form.querySelector('progress');
    var status = form.querySelector('[role=status]');
    var button = form.querySelector('button[type=submit]');
    var request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      box.hidden = false;
      bar.value = Math.round((event.loaded / event.total) * 100);
    };
    request.onload = function () {
      if (request.status < 400) {
        window.location.assign(request.responseURL);
        return;
      }
      // A refused file: show the page the server sent, with its explanation.
      var page = new DOMParser().parseFromString(request.responseText, 'text/html');
      var main = page.querySelector('main');
      if (main) {
        document.querySelector('main').replaceWith(document.adoptNode(main));
      } else {
        document.body.replaceChildren.apply(document.body, Array.from(page.body.childNodes).map(function (n) {
          return document.adoptNode(n);
        }));
      }
      var summary = document.querySelector('.error-summary');
      if (summary) summary.focus();
      bind();
    };
    request.onerror = function () {
      box.hidden = true;
      button.disabled = false;
      status.textContent = form.getAttribute('data-network-error');
    };
    button.disabled = true;
    status.textContent = '';
    request.send(data);
  }

  bind();
})();
